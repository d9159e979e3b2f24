/**
 * The error a component run gives when jco's transpiler is not installed. It is an optional peer
 * dependency of wasock: it pulls ~100 MB (binaryen alone is 93 MB) that users of core modules never
 * load. Kept apart from component.ts so that every entry can export it without loading the rest.
 */
import { GuestError } from "../bridge/link.js";

/** The package that transpiles components, and the command that installs it. */
export const TRANSPILER = "@bytecodealliance/jco-transpile";
export const INSTALL_TRANSPILER = `npm install ${TRANSPILER}`;

/** A component was run where @bytecodealliance/jco-transpile cannot be imported. */
export class TranspilerMissingError extends GuestError {
  /** The package to install. */
  readonly package = TRANSPILER;
  /** The command that installs it. */
  readonly install = INSTALL_TRANSPILER;

  override name = "TranspilerMissingError";

  constructor(options?: { cause?: unknown }) {
    super(`running a component needs ${TRANSPILER}, an optional peer dependency of wasock: ${INSTALL_TRANSPILER}`, options);
  }
}
