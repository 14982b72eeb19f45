"""Environmental investment beyond CP options: the projects of enterprises by year."""
