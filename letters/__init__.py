"""Letters handed to the print-and-post channel: the development folder, the production spool."""
