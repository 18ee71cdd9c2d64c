package kryptering

import "io"

// NewDecrypterWith is NewDecrypter with its chunk size, the least ciphertext it splits
// across goroutines and how many (1: sequential), for the parallel-against-sequential
// tests.
func NewDecrypterWith(src io.Reader, key Key, chunk, parMin, workers int) (io.Reader, error) {
	return newDecrypter(src, key, chunk, parMin, workers)
}
