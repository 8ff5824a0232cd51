/** Tests that run inside Felix with every pnp bundle (bnd-testing, osgi-test). */
package pnp.itest;
