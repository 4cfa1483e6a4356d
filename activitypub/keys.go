package activitypub

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
)

// keyBits is the size of actors' RSA keys: what Mastodon makes.
const keyBits = 2048

// privateKey returns the key of a local actor, made the first time it is
// asked for and kept in the store's secrets so every node signs alike.
func (s *Service) privateKey(ctx context.Context, l local) (*rsa.PrivateKey, error) {
	name := l.name()
	if k, ok := s.keys.Load(name); ok {
		return k.(*rsa.PrivateKey), nil
	}
	var genErr error
	text, err := s.Store.Secret(ctx, "activitypub-key-"+name, func() string {
		k, err := rsa.GenerateKey(rand.Reader, keyBits)
		if err != nil {
			genErr = err
			return ""
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(k)}))
	})
	if genErr != nil {
		return nil, genErr
	}
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("activitypub: stored key is not PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	k, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("activitypub: stored key is not RSA")
	}
	s.keys.Store(name, k)
	return k, nil
}

func mustPKCS8(k *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err) // an RSA key always marshals
	}
	return b
}

// publicPEM is the PEM of a public key, as actor documents carry it.
func publicPEM(k *rsa.PublicKey) (string, error) {
	b, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: b})), nil
}

// parsePublicPEM reads a remote actor's key: PKIX, or PKCS #1 as some
// servers send.
func parsePublicPEM(text string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("public key is not PEM")
	}
	if k, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("public key is not RSA")
	}
	return x509.ParsePKCS1PublicKey(block.Bytes)
}
