"""Entry point of the one-file executable built by packaging/build_exe.py (the ``gkassist`` command)."""

import multiprocessing
import sys

from gkassist.cli import main

if __name__ == "__main__":
    # `gkassist check FOLDER` checks many files in worker processes; where they are spawned
    # (Windows, macOS) a frozen program must let each worker start as a worker, not as gkassist
    multiprocessing.freeze_support()
    sys.exit(main())
