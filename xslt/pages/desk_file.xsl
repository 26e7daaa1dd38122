<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  desk_file.xsl - "Déposer une demande au guichet": an agent files a demand
  on behalf of a person who came in.  The search (a GET form: AVS number or
  e-mail), the person found (name, birth date, AVS, e-mail, assurance), the
  form that files the draft (procedure, for whom: the person or one of their
  spaces), the refusal for the person next to the procedure, and the
  agent's counter drafts not submitted yet.  No script.
  Input (engine/h_desk.c): /page/group[@id @name],
  /page/procedures/procedure[@key @title @audience @selected],
  /page/search[@ident @error], /page/person[@id @name @email @avs13 @birth
  @assurance]/space[@id @name], /page/file[@for @mail-lang @error]/words,
  /page/drafts/draft[@id @reference @title @person @space @created].
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('desk.title')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="group/@name"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <p class="back"><a href="/agent/{group/@id}"><xsl:value-of select="g:msg('desk.back', group/@name)"/></a></p>
    <h1><xsl:value-of select="g:msg('desk.title')"/></h1>
    <p class="lead"><xsl:value-of select="g:msg('desk.lead', group/@name)"/></p>

    <xsl:choose>
      <xsl:when test="not(procedures/procedure)">
        <p><xsl:value-of select="g:msg('desk.no_procedure')"/></p>
      </xsl:when>
      <xsl:otherwise>
        <p class="desk-procedures">
          <xsl:value-of select="g:msg('desk.procedures')"/>
          <xsl:value-of select="g:msg('punct.colon')"/>
          <xsl:for-each select="procedures/procedure">
            <xsl:if test="position() > 1"><xsl:text>, </xsl:text></xsl:if>
            <xsl:value-of select="@title"/>
          </xsl:for-each>
        </p>
        <section aria-labelledby="desk-search-title">
          <h2 id="desk-search-title"><xsl:value-of select="g:msg('desk.search.title')"/></h2>
          <form method="get" action="/agent/{group/@id}/file" role="search" novalidate="novalidate"
                aria-labelledby="desk-search-title">
            <div class="field">
              <label for="f-ident"><xsl:value-of select="g:msg('desk.search.label')"/></label>
              <p class="help" id="f-ident-help"><xsl:value-of select="g:msg('desk.search.help')"/></p>
              <input type="text" id="f-ident" name="ident" value="{search/@ident}" maxlength="254"
                     autocomplete="off" spellcheck="false">
                <xsl:choose>
                  <xsl:when test="search/@error">
                    <xsl:attribute name="aria-invalid">true</xsl:attribute>
                    <xsl:attribute name="aria-describedby">f-ident-help f-ident-error</xsl:attribute>
                  </xsl:when>
                  <xsl:otherwise>
                    <xsl:attribute name="aria-describedby">f-ident-help</xsl:attribute>
                  </xsl:otherwise>
                </xsl:choose>
              </input>
              <xsl:if test="search/@error">
                <p class="error-msg" id="f-ident-error"><xsl:value-of select="g:msg(search/@error)"/></p>
              </xsl:if>
            </div>
            <p><button type="submit"><xsl:value-of select="g:msg('desk.search.button')"/></button></p>
          </form>
        </section>

        <xsl:apply-templates select="person"/>
      </xsl:otherwise>
    </xsl:choose>

    <section aria-labelledby="desk-drafts-title">
      <h2 id="desk-drafts-title"><xsl:value-of select="g:msg('desk.drafts.title')"/></h2>
      <xsl:choose>
        <xsl:when test="drafts/draft">
          <ul class="drafts">
            <xsl:for-each select="drafts/draft">
              <li class="draft">
                <p>
                  <strong><xsl:value-of select="@title"/></strong>
                  <xsl:text> – </xsl:text>
                  <xsl:value-of select="@reference"/>
                </p>
                <p>
                  <xsl:value-of select="g:msg('desk.drafts.for')"/>
                  <xsl:value-of select="g:msg('punct.colon')"/>
                  <xsl:value-of select="@person"/>
                  <xsl:if test="@space">
                    <xsl:text> (</xsl:text><xsl:value-of select="@space"/><xsl:text>)</xsl:text>
                  </xsl:if>
                </p>
                <p>
                  <xsl:value-of select="g:msg('desk.drafts.created')"/>
                  <xsl:value-of select="g:msg('punct.colon')"/>
                  <xsl:value-of select="@created"/>
                </p>
                <p>
                  <a class="button" href="/demands/{@id}">
                    <xsl:value-of select="g:msg('desk.drafts.resume')"/>
                    <span class="sr-context"><xsl:text> </xsl:text><xsl:value-of select="@reference"/></span>
                  </a>
                </p>
              </li>
            </xsl:for-each>
          </ul>
        </xsl:when>
        <xsl:otherwise>
          <p><xsl:value-of select="g:msg('desk.drafts.none')"/></p>
        </xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template match="person">
    <section aria-labelledby="desk-person-title">
      <h2 id="desk-person-title"><xsl:value-of select="g:msg('desk.person.title')"/></h2>
      <dl class="facts">
        <dt><xsl:value-of select="g:msg('desk.person.name')"/></dt>
        <dd><xsl:value-of select="@name"/></dd>
        <dt><xsl:value-of select="g:msg('desk.person.birth')"/></dt>
        <dd>
          <xsl:choose>
            <xsl:when test="@birth"><xsl:value-of select="@birth"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="g:msg('desk.person.unknown')"/></xsl:otherwise>
          </xsl:choose>
        </dd>
        <xsl:if test="@avs13">
          <dt><xsl:value-of select="g:msg('desk.person.avs13')"/></dt>
          <dd><xsl:value-of select="@avs13"/></dd>
        </xsl:if>
        <xsl:if test="@email">
          <dt><xsl:value-of select="g:msg('desk.person.email')"/></dt>
          <dd><xsl:value-of select="@email"/></dd>
        </xsl:if>
        <dt><xsl:value-of select="g:msg('desk.person.assurance')"/></dt>
        <dd><xsl:value-of select="g:msg(concat('assurance.', @assurance))"/></dd>
      </dl>

      <form method="post" action="/agent/{/page/group/@id}/file" novalidate="novalidate"
            aria-labelledby="desk-file-title">
        <h3 id="desk-file-title"><xsl:value-of select="g:msg('desk.file.title', @name)"/></h3>
        <xsl:call-template name="csrf"/>
        <input type="hidden" name="person" value="{@id}"/>
        <input type="hidden" name="ident" value="{/page/search/@ident}"/>
        <div class="field">
          <label for="f-workflow"><xsl:value-of select="g:msg('desk.file.workflow')"/></label>
          <select id="f-workflow" name="workflow">
            <xsl:if test="/page/file/@error">
              <xsl:attribute name="aria-invalid">true</xsl:attribute>
              <xsl:attribute name="aria-describedby">f-workflow-error</xsl:attribute>
            </xsl:if>
            <xsl:for-each select="/page/procedures/procedure">
              <option value="{@key}">
                <xsl:if test="@selected"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:value-of select="@title"/>
                <xsl:text> – </xsl:text>
                <xsl:value-of select="g:msg(concat('desk.audience.', @audience))"/>
              </option>
            </xsl:for-each>
          </select>
          <xsl:if test="/page/file/@error">
            <div class="error-msg" id="f-workflow-error" role="alert">
              <p><xsl:value-of select="g:msg('desk.file.refused', @name)"/></p>
              <p>
                <xsl:choose>
                  <xsl:when test="/page/file/words"><xsl:value-of select="/page/file/words"/></xsl:when>
                  <xsl:otherwise><xsl:value-of select="g:msg(/page/file/@error)"/></xsl:otherwise>
                </xsl:choose>
              </p>
            </div>
          </xsl:if>
        </div>
        <fieldset class="field">
          <legend><xsl:value-of select="g:msg('desk.file.for')"/></legend>
          <div class="choice">
            <input type="radio" id="f-for-self" name="for" value="self">
              <xsl:if test="not(/page/file/@for) or /page/file/@for = 'self'">
                <xsl:attribute name="checked">checked</xsl:attribute>
              </xsl:if>
            </input>
            <label for="f-for-self"><xsl:value-of select="g:msg('desk.file.for_self', @name)"/></label>
          </div>
          <xsl:for-each select="space">
            <div class="choice">
              <input type="radio" id="f-for-{position()}" name="for" value="{@id}">
                <xsl:if test="/page/file/@for = @id">
                  <xsl:attribute name="checked">checked</xsl:attribute>
                </xsl:if>
              </input>
              <label for="f-for-{position()}"><xsl:value-of select="g:msg('desk.file.for_space', @name)"/></label>
            </div>
          </xsl:for-each>
          <xsl:if test="not(space)">
            <p class="help"><xsl:value-of select="g:msg('desk.file.no_space')"/></p>
          </xsl:if>
        </fieldset>
        <div class="field">
          <label for="f-mail-lang"><xsl:value-of select="g:msg('desk.file.mail_lang')"/></label>
          <p class="help" id="f-mail-lang-help"><xsl:value-of select="g:msg('desk.file.mail_lang_help', @name)"/></p>
          <select id="f-mail-lang" name="mail_lang" aria-describedby="f-mail-lang-help">
            <xsl:call-template name="mail-lang"><xsl:with-param name="code" select="'fr'"/><xsl:with-param name="label" select="'Français'"/></xsl:call-template>
            <xsl:call-template name="mail-lang"><xsl:with-param name="code" select="'de'"/><xsl:with-param name="label" select="'Deutsch'"/></xsl:call-template>
            <xsl:call-template name="mail-lang"><xsl:with-param name="code" select="'en'"/><xsl:with-param name="label" select="'English'"/></xsl:call-template>
          </select>
        </div>
        <p><button type="submit"><xsl:value-of select="g:msg('desk.file.button')"/></button></p>
      </form>
    </section>
  </xsl:template>

  <!-- a language of correspondence, named in itself -->
  <xsl:template name="mail-lang">
    <xsl:param name="code"/>
    <xsl:param name="label"/>
    <option value="{$code}" lang="{$code}">
      <xsl:if test="/page/file/@mail-lang = $code"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:value-of select="$label"/>
    </option>
  </xsl:template>
</xsl:stylesheet>
