"""Views of the rounds area, one module per page family (rounds, board, publication)."""
