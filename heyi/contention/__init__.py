"""Contention: the one engine that runs every contest on the platform (tenders, bids, awards)."""
