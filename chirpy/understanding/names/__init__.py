"""The user's name (issue 13): ``NameReader().read(...)`` — see reader.py for the policy."""
