"""``chirpy review``: read logged conversations in a browser and label them (see README.md here)."""
