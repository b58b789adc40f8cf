//! Driving Debian's Chromium through chromedriver, and the OpenID provider the browser tests sign in with.
