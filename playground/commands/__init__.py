"""Subcommands of the `playground` command line; one module each."""
