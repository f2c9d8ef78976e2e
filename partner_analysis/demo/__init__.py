"""The demo-data generator: a realistic synthetic partner program with documented planted effects."""
from .effects import PLANTED_EFFECTS
from .generator import generate_demo_data
from .writer import write_demo_data

__all__ = ["PLANTED_EFFECTS", "generate_demo_data", "write_demo_data"]
