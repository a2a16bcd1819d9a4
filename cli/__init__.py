"""The ``chirpy`` command line: the outermost layer. It may import everything; nothing imports it."""
