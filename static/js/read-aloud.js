/* Pupils' pages: speaker buttons, "always read aloud", and focus after an htmx swap.
 *
 * A speaker button is <button type="button" class="say" hidden ...> with either
 *   data-say="words to read" or data-say-target="#a, #b" (the words inside those elements).
 * The buttons stay hidden unless this browser can speak (speech synthesis, no outside service).
 * On <body data-read-aloud-always>, the screen's button marked data-say-auto is read when the
 * screen appears and after each htmx swap. Browsers may refuse to speak before the first tap
 * on a page: then the words wait for that tap.
 * No inline script anywhere (the Content-Security-Policy forbids it); everything is delegated.
 */
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  var canSpeak = !!synth && typeof window.SpeechSynthesisUtterance === "function";
  var waiting = null; // words refused before the first tap, spoken on that tap
  var RATE = 0.85; // a little slower, for young listeners

  function britishVoice() {
    var voices = synth.getVoices() || [];
    var wanted = function (voice) {
      return (voice.lang || "").replace("_", "-").toLowerCase() === "en-gb";
    };
    return voices.filter(wanted)[0] || null;
  }

  // The words a person sees in an element: text without hidden pictures or speaker buttons.
  function visibleWords(element) {
    var words = [];
    element.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        words.push(node.textContent);
      } else if (node.nodeType === Node.ELEMENT_NODE &&
                 node.getAttribute("aria-hidden") !== "true" && !node.classList.contains("say")) {
        words.push(visibleWords(node));
      }
    });
    return words.join(" ").replace(/\s+/g, " ").trim();
  }

  function wordsFor(button) {
    if (button.hasAttribute("data-say")) {
      return button.getAttribute("data-say");
    }
    var selector = button.getAttribute("data-say-target");
    if (!selector) {
      return "";
    }
    var parts = [];
    document.querySelectorAll(selector).forEach(function (element) {
      parts.push(visibleWords(element));
    });
    return parts.join(". ").replace(/([.!?])\s*\./g, "$1");
  }

  function speak(words) {
    if (!canSpeak || !words) {
      return;
    }
    synth.cancel();
    var utterance = new window.SpeechSynthesisUtterance(words);
    utterance.lang = "en-GB";
    utterance.rate = RATE;
    var voice = britishVoice();
    if (voice) {
      utterance.voice = voice;
    }
    utterance.addEventListener("error", function (event) {
      if (event.error === "not-allowed") {
        waiting = words; // speaking must start from a tap on this browser
      }
    });
    synth.speak(utterance);
  }

  function revealButtons(root) {
    if (!canSpeak) {
      return;
    }
    root.querySelectorAll("button.say[hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function readScreenAloud(root) {
    if (!canSpeak || !document.body.hasAttribute("data-read-aloud-always")) {
      return;
    }
    var button = root.querySelector("[data-say-auto]");
    if (!button) {
      return;
    }
    var words = wordsFor(button);
    var activation = navigator.userActivation;
    if (activation && !activation.hasBeenActive) {
      waiting = words; // no tap on this page yet: speaking now would be refused
      return;
    }
    speak(words);
  }

  function focusHeading(root) {
    var heading = root.querySelector("h1[tabindex='-1'], h2[tabindex='-1']");
    if (heading) {
      heading.focus();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.say");
    if (button) {
      event.preventDefault();
      waiting = null;
      speak(wordsFor(button));
    }
  });

  // The first tap or key press on a page lets waiting words be spoken; not if it chose an
  // answer or moved on (the next screen is read instead) or pressed a speaker button.
  function speakWaiting(event) {
    var control = event.target.closest && event.target.closest("button, a, input");
    if (!waiting || control) {
      return;
    }
    var words = waiting;
    waiting = null;
    speak(words);
  }
  document.addEventListener("pointerdown", speakWaiting, true);
  document.addEventListener("keydown", speakWaiting, true);

  // htmx: once a swapped-in screen has settled (htmx has wired up its buttons and links), it
  // gets its speaker buttons, focus on its heading, and is read aloud if the pupil needs that.
  // Settled, not just swapped: a key pressed before htmx wires the new links would leave htmx.
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = event.detail.target || document.body;
    revealButtons(region);
    focusHeading(region);
    readScreenAloud(region);
  });

  // A friendly problem (404, 409, 422) is a screen the pupil should see, not a silent failure.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 404 || status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Leaving a screen stops its words.
  window.addEventListener("pagehide", function () {
    if (canSpeak) {
      synth.cancel();
    }
  });

  function start() {
    revealButtons(document);
    readScreenAloud(document);
  }
  if (canSpeak) {
    synth.getVoices(); // some browsers only start listing their voices when first asked
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
