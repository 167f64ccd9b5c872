"""The web pages: server-rendered French screens of the procedure, over the same services as the
JSON API."""
