"""A realistic demo district for newcomers and screenshots."""
