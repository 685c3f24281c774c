"""vizlib: look inside recorded LLM API traffic."""

from vizlib.cassette import Cassette, load, load_sample
from vizlib.errors import CassetteError
from vizlib.pricing import PriceTable

__all__ = ["Cassette", "CassetteError", "PriceTable", "__version__", "load", "load_sample"]
__version__ = "0.1.0"
