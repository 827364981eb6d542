"""A stand-in for the browser's speech synthesis that writes down what it is asked to say.

Add it with ``page.add_init_script(FAKE_SPEECH)`` before the first page; ``spoken(page)`` then
lists the words of every utterance the page asked for, oldest first.
"""

FAKE_SPEECH = """
window.__spoken = [];
window.SpeechSynthesisUtterance = function (text) {
  this.text = text; this.addEventListener = function () {};
};
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speak: function (u) { window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate}); },
  cancel: function () {}, getVoices: function () { return []; },
  addEventListener: function () {}}});
"""
NO_SPEECH = """Object.defineProperty(window, "speechSynthesis", {configurable: true,
                                                                   value: undefined});"""


def spoken(page) -> list[str]:
    """The words this page has asked the speech synthesis to say so far."""
    return page.evaluate("() => window.__spoken.map(u => u.text)")
