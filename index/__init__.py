"""Chunks, embeddings and the store: Article records in, a searchable index out."""
