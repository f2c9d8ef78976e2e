"""partner-analysis: measure a B2B partner ecosystem."""
__version__ = "0.1.0"
