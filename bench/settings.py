"""Settings of the benchmark tooling: the site's settings with the `bench` app, whose commands
(`manage.py bench`, `seed_scale`) exist only here (and in the test settings). `make bench`
and `make bench-load` use them; production's settings leave the tooling out.

The app comes last: it imports every app and nothing imports it.
"""

from benxi_cp.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
