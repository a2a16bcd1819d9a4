"""One module per ``chirpy`` subcommand; each registers itself in ``chirpy.registry.commands``."""
