import logging
import os
import sys

from admin.cli import main

code = main()
sys.stdout.flush()
logging.shutdown()
# Skip interpreter teardown: the Temporal client's native threads can abort it in short-lived
# processes (temporalio/sdk-python#300), turning a clean exit into SIGABRT.
os._exit(code)
