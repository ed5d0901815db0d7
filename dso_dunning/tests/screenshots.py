"""Screenshots of browser tours (README pictures): one helper for every test that takes them."""

import base64
import contextlib
import json
from unittest.mock import patch

from odoo.tests.common import ChromeBrowser

SCREENSHOT_SIGNAL = "dso-screenshot:"


@contextlib.contextmanager
def capturing_screenshots(shots):
    """Capture the browser into ``shots[name]`` when the tour logs ``dso-screenshot:<name>``.

    The browser is captured from the thread that receives the log (without
    waiting, as that thread also receives the answer), then the page body is
    marked (``data-dso-screenshot``) so that the tour goes on.
    """
    handle_console = ChromeBrowser._handle_console

    def capture_on_signal(browser, *args, **kwargs):
        handle_console(browser, *args, **kwargs)
        logged = kwargs.get("args") or []
        message = str(browser._from_remoteobject(logged[0])) if logged else ""
        if not message.startswith(SCREENSHOT_SIGNAL):
            return
        name = message.removeprefix(SCREENSHOT_SIGNAL)

        def captured(future):
            shots[name] = base64.b64decode(future.result()["data"])
            mark = f"document.body.dataset.dsoScreenshot = {json.dumps(name)}"
            browser._websocket_send("Runtime.evaluate", params={"expression": mark})

        future = browser._websocket_send(
            "Page.captureScreenshot", params={"format": "png"}, with_future=True
        )
        future.add_done_callback(captured)

    with patch.object(ChromeBrowser, "_handle_console", capture_on_signal):
        yield
