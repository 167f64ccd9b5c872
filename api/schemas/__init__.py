"""The JSON API's bodies, one module per resource, named like its routes module.

`api/routes/<resource>.py` takes its bodies from `api/schemas/<resource>.py`; what several
resources share is in `common.py`; what the document declares beyond the parser is built with
`declared.py`. Names: a request body ends in `In`, a response body in `Out`, a path parameter in
`Id`. The class name is the schema's name in the OpenAPI document, and so in clients generated
from it (`clients/python/`).
"""
