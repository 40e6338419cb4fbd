"""Victim Journey: the Code of Practice for Victims of Crime (England and Wales) as software."""
