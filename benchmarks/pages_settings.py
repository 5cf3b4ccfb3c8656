"""Settings for benchmarks/pages.py: the project's own, with a URLconf that adds the bare page.

Only the page benchmark uses this module; the product's URLs never contain the bare page."""

from __future__ import annotations

from mentoring.settings.base import *  # noqa: F403

ROOT_URLCONF = "benchmarks.pages_urls"
