"""Answers from the index: follow-ups, hybrid retrieval, cited extractive answers, declines."""
