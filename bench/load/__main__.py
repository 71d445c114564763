"""python -m bench.load: see bench/load/run.py."""

from gevent import monkey

# Before anything imports ssl, socket or threading: Locust's users are gevent greenlets.
monkey.patch_all()

import sys  # noqa: E402

from bench.load.run import main  # noqa: E402

sys.exit(main())
