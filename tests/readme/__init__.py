"""The README's snippets, run as pasted."""
