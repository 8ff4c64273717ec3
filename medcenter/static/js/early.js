// Runs before the first paint (the only script that does): the styles for a page with
// JavaScript apply from the start, so the narrow-screen menu never shows and then collapses.
document.documentElement.classList.add("js");
