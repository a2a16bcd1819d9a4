"""Which language the user speaks (issue 13): ``LanguageIdentifier().identify(text)``."""
