# The API tests' small city and token clients (tests/api/conftest.py).
from tests.api.conftest import api_as, city, token_for  # noqa: F401
