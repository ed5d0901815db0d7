import base64
import io
import os
import pathlib
from unittest.mock import patch

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

WIDTH, HEIGHT = 1440, 900


@tagged("post_install", "-at_install")
class TestScreenshots(HttpCase):
    """The README's screenshots, taken in headless Chromium on the demo ledger.

    Each tour stops on one page and the browser is captured before it closes.
    The PNGs are written to ``$DSO_SCREENSHOTS_DIR`` only when it is set
    (``make screenshots`` sets it to ``docs/screenshots``), so a normal run
    never changes the checkout.
    """

    browser_size = f"{WIDTH}x{HEIGHT}"
    # The demo is large and every load leaves rolled-back rows behind: load it
    # after every other test of the run.
    test_sequence = 100

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        cls.env["dso.dunning.demo"]._load_demo()
        cls.env["dso.dunning.demo"]._load_demo_alerts()

    def _capture_tour(self, tour, name):
        """Run ``tour`` as the demo administrator; return the PNG of its last page."""
        shots = []
        stop = ChromeBrowser.stop

        def capture_then_stop(browser):
            if not shots:
                result = browser._websocket_request(
                    "Page.captureScreenshot", params={"format": "png"}, timeout=30
                )
                shots.append(base64.b64decode(result["data"]))
            stop(browser)

        with patch.object(ChromeBrowser, "stop", capture_then_stop):
            self.start_tour("/odoo", tour, login="admin", timeout=120)
        self.assertEqual(len(shots), 1, "the browser was captured before closing")
        png = shots[0]
        self._assert_populated_png(png)
        directory = os.environ.get("DSO_SCREENSHOTS_DIR")
        if directory:
            pathlib.Path(directory).mkdir(parents=True, exist_ok=True)
            pathlib.Path(directory, f"{name}.png").write_bytes(png)
        return png

    def _assert_populated_png(self, png):
        image = Image.open(io.BytesIO(png))
        self.assertEqual(image.format, "PNG")
        self.assertEqual(image.size, (WIDTH, HEIGHT))
        # A page with data has many colours (text anti-aliasing, badges,
        # squares); a blank or half-loaded page has a handful.
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        self.assertTrue(colours is None or len(colours) > 200, "the page is populated")

    def test_agenda_automatic_actions_in_colour(self):
        png = self._capture_tour("dso_dunning_shot_agenda", "agenda_automatic")
        image = Image.open(io.BytesIO(png)).convert("RGB")
        colours = {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}
        # Bootstrap's text-danger and text-success of the red and green rows.
        self.assertTrue(any(r > 150 and g < 80 and b < 80 for r, g, b in colours), "red rows")
        self.assertTrue(any(g > 100 and r < 80 and b < 120 for r, g, b in colours), "green rows")

    def test_customers_with_alert_squares(self):
        self._capture_tour("dso_dunning_shot_customers", "customers_alerts")

    def test_scenario_form(self):
        self._capture_tour("dso_dunning_shot_scenario", "scenario_form")

    def test_history_with_export(self):
        self._capture_tour("dso_dunning_shot_history", "history_export")
