"""The programs tests use the shared builders of tests/conftest.py (`program`, `draft_cohort`,
`enrol_email`, ...)."""
