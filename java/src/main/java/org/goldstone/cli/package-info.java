/**
 * The picocli command line: {@code goldstone demo} (the main job) and {@code goldstone train} (every option, new
 * runs and {@code --resume}). Only this package prints; exceptions become one line and an exit code here.
 */
package org.goldstone.cli;
