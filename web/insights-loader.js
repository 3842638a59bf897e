// search-insights' documented loader: `aa` queues its calls until the library, loaded next, takes
// them over (the library's browser bundle expects this; a page's inline snippet would break the CSP).
window.AlgoliaAnalyticsObject = 'aa';
window.aa =
  window.aa ||
  ((...args) => {
    window.aa.queue = window.aa.queue || [];
    window.aa.queue.push(args);
  });
