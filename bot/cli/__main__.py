"""`python -m bot.cli`: the same as `hpp-bot`."""

import sys

from bot.cli import main

sys.exit(main())
