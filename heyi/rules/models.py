"""Models of rules."""

from __future__ import annotations
