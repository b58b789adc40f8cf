//! Browser tests: Chromium driven through chromedriver, signed in through a real OpenID provider.
