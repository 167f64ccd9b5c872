"""Development-only pages (mounted by web.install in development only, never in production:
they show codes): the mail the sink received, the letters the print-and-post folder holds."""
