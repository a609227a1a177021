// The `test` every spec uses: Playwright's, plus a watch on every page of every browser context
// a test opens. An uncaught page error or a Rust panic in the console (the wasm then traps and
// the app stops answering) fails the test, whatever the test itself was checking.
const base = require('@playwright/test');

/** Messages that mean the app broke: Rust panics and wasm traps. */
const BROKEN = /panicked at|RuntimeError|unreachable executed|already been disposed/;

const test = base.test.extend({
  appErrors: [
    async ({ browser, context }, use) => {
      const errors = [];
      const watchPage = (page) => {
        page.on('pageerror', (e) => errors.push(`${page.url()}: uncaught ${e.message}`));
        page.on('console', (m) => {
          if (m.type() === 'error' && BROKEN.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
        });
      };
      const watchContext = (ctx) => {
        ctx.pages().forEach(watchPage);
        ctx.on('page', watchPage);
      };
      watchContext(context);
      // Contexts a test makes itself (a second user, a phone) are watched as well.
      const newContext = browser.newContext;
      browser.newContext = async (...args) => {
        const ctx = await newContext.apply(browser, args);
        watchContext(ctx);
        return ctx;
      };
      try {
        await use(errors);
      } finally {
        browser.newContext = newContext;
      }
      base.expect(errors, 'uncaught errors or panics in the app').toEqual([]);
    },
    { auto: true },
  ],
});

module.exports = { test, expect: base.expect };
