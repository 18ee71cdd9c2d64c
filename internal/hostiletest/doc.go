// Package hostiletest holds the module-wide tests against hostile servers: every client,
// and the Maskinporten token and discovery calls, facing redirects to other origins,
// huge bodies and wrong shapes. It has no non-test code.
package hostiletest
