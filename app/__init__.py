"""The application shell: the composition root, the command line, the demo company. The only
package that knows every other one; nothing imports it."""
