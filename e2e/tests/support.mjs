// Small helpers for the tests themselves.
export const authenticator = {
  /** A six-digit code that is certainly not `code`. */
  wrong(code) {
    return code.split("").map((d) => String((Number(d) + 5) % 10)).join("");
  },
};
