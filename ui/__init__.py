"""What people use: the web chat, the command line, and the rendering of answers."""
