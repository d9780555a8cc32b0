"""Wuxing: the Henan five-star branch campaign and the licence case-file review."""

__version__ = "0.1.0"
