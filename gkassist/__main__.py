import sys

from gkassist.cli import main

sys.exit(main())
