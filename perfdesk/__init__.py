"""perfdesk: performance-goal declarations and self-evaluations for budget units."""

__version__ = "0.1.0"
