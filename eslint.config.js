// Checks the browser code (static/js): plain ES modules run by the browser, no bundler.
// `make test` runs it; it only reports, never rewrites.

import js from "@eslint/js";
import globals from "globals";

export default [
  // Third-party code is installed from npm and served as it comes, never checked here.
  { ignores: ["node_modules/**", "**/vendor/**", ".venv/**", "build/**"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: globals.browser,
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module" },
  },
];
