"""The adhésion letter, from its content to the post: the printed page (`letter_pdf`), the letter
with its readable copy (`adhesion_letter`), and the print-and-post outbox (`outbox`: the
development folder or the production spool). `channels.letter` hands a code to this package."""
