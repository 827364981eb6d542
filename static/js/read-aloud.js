/* Pupils' pages: speaker buttons, "always read aloud", and focus after an htmx swap.
 *
 * A speaker button is <button type="button" class="say" hidden ...> with either
 *   data-say="words to read" or data-say-target="#a, #b" (the words inside those elements).
 * The buttons stay hidden unless this browser can speak (speech synthesis, no outside service).
 * On <body data-read-aloud-always>, the screen's button marked data-say-auto is read when the
 * screen appears and after each htmx swap, beginning with the words of the big button that led
 * there ("I agree. Hello, Amara! ..."); a tapped name (a.name-button) is said before moving on.
 * Browsers may refuse to speak before the first tap on a page. Chromium lets a page speak when
 * the page before it in the tab was tapped, so a screen reached by a tap speaks at once;
 * otherwise, or if the browser refuses, the words wait for the first tap that does not move on.
 * A swapped card's data-status ("Answer saved") goes to the page's [data-status-line], so
 * screen readers hear a short line, not the whole card, beside the focused heading.
 * No inline script anywhere (the Content-Security-Policy forbids it); everything is delegated.
 */
(function () {
  "use strict";

  var synth = window.speechSynthesis;
  var canSpeak = !!synth && typeof window.SpeechSynthesisUtterance === "function";
  var waiting = null; // words refused before the first tap, spoken on that tap
  var RATE = 0.85; // a little slower, for young listeners
  var NAME_PAUSE = 1200; // ms: long enough to hear a name, short enough to move on
  var TAPPED = "read-aloud-tapped"; // sessionStorage: the page before this one was tapped
  var SAID = "read-aloud-said"; // sessionStorage: the words of the button that led here
  var SAID_ON_TAP = "a.big-button, button.big-button";

  // sessionStorage may be refused (private browsing): then nothing is carried over.
  function remember(key, value) {
    try { window.sessionStorage.setItem(key, value); } catch (ignored) { /* nothing carried */ }
  }
  function takeRemembered(key) {
    try {
      var value = window.sessionStorage.getItem(key);
      window.sessionStorage.removeItem(key);
      return value;
    } catch (ignored) {
      return null;
    }
  }
  var tappedBefore = takeRemembered(TAPPED) === "1";
  var tappedHere = false;

  function readsAloud() {
    return document.body.hasAttribute("data-read-aloud-always");
  }

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
    return joinWords(parts);
  }

  function joinWords(parts) {
    return parts.filter(Boolean).join(". ").replace(/([.!?:])\s*\./g, "$1");
  }

  // options.untilStarted: keep the words waiting for a tap until the browser starts saying
  // them (some refuse without a word); options.then: called once they end or fail.
  function speak(words, options) {
    options = options || {};
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
    if (options.untilStarted) {
      waiting = words;
      utterance.addEventListener("start", function () {
        if (waiting === words) {
          waiting = null;
        }
      });
    }
    utterance.addEventListener("error", function (event) {
      if (event.error === "not-allowed") {
        waiting = words; // speaking must start from a tap on this browser
      }
      if (options.then) {
        options.then();
      }
    });
    if (options.then) {
      utterance.addEventListener("end", options.then);
    }
    synth.speak(utterance);
  }

  function mayStartSpeaking() {
    var activation = navigator.userActivation;
    return !activation || activation.hasBeenActive || tappedBefore;
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
    var said = takeRemembered(SAID); // used now or never: not on some later screen
    if (!canSpeak || !readsAloud()) {
      return;
    }
    var button = root.querySelector("[data-say-auto]");
    if (!button) {
      return;
    }
    var words = joinWords([said, wordsFor(button)]);
    if (!mayStartSpeaking()) {
      waiting = words; // no tap on this page yet: speaking now would be refused
      return;
    }
    speak(words, {untilStarted: true});
  }

  // A short line for screen readers after a swap, and only when it changes.
  function announce(root) {
    var card = root.querySelector("[data-status]");
    var line = document.querySelector("[data-status-line]");
    if (card && line && line.textContent !== card.getAttribute("data-status")) {
      line.textContent = card.getAttribute("data-status");
    }
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

  // A big button's words begin the next screen's reading: said now, they would be cut off
  // as that screen appears.
  document.addEventListener("click", function (event) {
    var control = event.target.closest && event.target.closest(SAID_ON_TAP);
    if (control && canSpeak && readsAloud()) {
      remember(SAID, visibleWords(control));
    }
  });

  // A tapped name is said, then the link is followed (once it has been said, or after a
  // short pause if the browser never says when it has finished). Without JavaScript, or
  // with read-aloud off, the link just works.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.name-button[href]");
    if (!link || !canSpeak || !readsAloud() || event.defaultPrevented || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    var gone = false;
    var go = function () {
      if (!gone) {
        gone = true;
        window.location.assign(link.href);
      }
    };
    waiting = null;
    speak(visibleWords(link), {then: go});
    window.setTimeout(go, NAME_PAUSE);
  });

  // The first tap or key press on a page lets waiting words be spoken (in the class code's
  // field too); not if it chose an answer or moved on (the next screen is read instead) or
  // pressed a speaker button.
  function speakWaiting(event) {
    tappedHere = true;
    var control = event.target.closest && event.target.closest("button, a[href]");
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
    announce(region);
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

  // Leaving a screen stops its words, and tells the next page whether this one was tapped.
  window.addEventListener("pagehide", function () {
    var activation = navigator.userActivation;
    if (activation ? activation.hasBeenActive : tappedHere) {
      remember(TAPPED, "1");
    }
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
