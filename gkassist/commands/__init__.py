"""One module per ``gkassist`` subcommand: ``register(subparsers)`` and ``run(args) -> int``."""
